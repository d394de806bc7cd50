-- CreateTable
CREATE TABLE "TaskLog" (
    "id" BIGSERIAL NOT NULL,
    "executionId" TEXT NOT NULL,
    "taskRunId" TEXT NOT NULL,
    "taskKey" TEXT NOT NULL,
    "mapIndex" INTEGER NOT NULL DEFAULT -1,
    "attempt" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,
    "truncation" BOOLEAN NOT NULL DEFAULT false,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TaskLog_executionId_id_idx" ON "TaskLog"("executionId", "id");

-- CreateIndex
CREATE INDEX "TaskLog_taskRunId_id_idx" ON "TaskLog"("taskRunId", "id");

-- AddForeignKey
ALTER TABLE "TaskLog" ADD CONSTRAINT "TaskLog_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The logs kept on attempts (a JSON array written when the attempt ended) move to TaskLog, one row
-- per entry: a shell attempt's { stream, text }, a worker's { time, level, message }. Each row is
-- stamped with the attempt's end.
INSERT INTO "TaskLog" ("executionId", "taskRunId", "taskKey", "mapIndex", "attempt", "stream", "level", "message", "time")
SELECT r."executionId", r."id", r."taskKey", r."mapIndex", r."attempt",
       COALESCE(e.value ->> 'stream', CASE WHEN r."workerTaskType" IS NOT NULL THEN 'worker' ELSE 'engine' END),
       COALESCE(e.value ->> 'level', 'info'),
       COALESCE(e.value ->> 'text', e.value ->> 'message', e.value #>> '{}'),
       COALESCE(r."endedAt", r."updatedAt")
FROM "TaskRun" r
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r."logs"::jsonb) = 'array' THEN r."logs"::jsonb ELSE '[]'::jsonb END) WITH ORDINALITY AS e(value, n)
WHERE r."logs" IS NOT NULL
ORDER BY r."id", e.n;

-- AlterTable
ALTER TABLE "TaskRun" ADD COLUMN "logBytes" INTEGER NOT NULL DEFAULT 0;
UPDATE "TaskRun" r SET "logBytes" = l.bytes
FROM (SELECT "taskRunId", SUM(octet_length("message"))::integer AS bytes FROM "TaskLog" GROUP BY "taskRunId") l
WHERE l."taskRunId" = r."id";
ALTER TABLE "TaskRun" DROP COLUMN "logs";
