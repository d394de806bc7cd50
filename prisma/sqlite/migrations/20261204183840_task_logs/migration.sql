-- CreateTable
CREATE TABLE "TaskLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "executionId" TEXT NOT NULL,
    "taskRunId" TEXT NOT NULL,
    "taskKey" TEXT NOT NULL,
    "mapIndex" INTEGER NOT NULL DEFAULT -1,
    "attempt" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,
    "truncation" BOOLEAN NOT NULL DEFAULT false,
    "time" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TaskLog_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- The logs kept on attempts (a JSON array written when the attempt ended) move to TaskLog, one row
-- per entry: a shell attempt's { stream, text }, a worker's { time, level, message }. Each row is
-- stamped with the attempt's end.
INSERT INTO "TaskLog" ("executionId", "taskRunId", "taskKey", "mapIndex", "attempt", "stream", "level", "message", "time")
SELECT r."executionId", r."id", r."taskKey", r."mapIndex", r."attempt",
       COALESCE(CASE WHEN j.type = 'object' THEN json_extract(j.value, '$.stream') END, CASE WHEN r."workerTaskType" IS NOT NULL THEN 'worker' ELSE 'engine' END),
       COALESCE(CASE WHEN j.type = 'object' THEN json_extract(j.value, '$.level') END, 'info'),
       CASE WHEN j.type = 'object' THEN COALESCE(json_extract(j.value, '$.text'), json_extract(j.value, '$.message'), j.value) ELSE CAST(j.value AS TEXT) END,
       COALESCE(r."endedAt", r."updatedAt")
FROM "TaskRun" r, json_each(r."logs") j
WHERE r."logs" IS NOT NULL AND json_valid(r."logs") AND json_type(r."logs") = 'array'
ORDER BY r."id", j.key;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TaskRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "executionId" TEXT NOT NULL,
    "taskKey" TEXT NOT NULL,
    "mapIndex" INTEGER NOT NULL DEFAULT -1,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "taskType" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "input" TEXT,
    "output" TEXT,
    "error" TEXT,
    "logBytes" INTEGER NOT NULL DEFAULT 0,
    "workerTaskType" TEXT,
    "scheduledAt" DATETIME,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "nextRunAt" DATETIME,
    "lockedBy" TEXT,
    "leaseExpiresAt" DATETIME,
    "heartbeatAt" DATETIME,
    "heartbeatDetails" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TaskRun_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TaskRun" ("attempt", "createdAt", "endedAt", "error", "executionId", "heartbeatAt", "heartbeatDetails", "id", "input", "leaseExpiresAt", "lockedBy", "mapIndex", "nextRunAt", "output", "scheduledAt", "startedAt", "status", "taskKey", "taskType", "updatedAt", "workerTaskType", "logBytes") SELECT "attempt", "createdAt", "endedAt", "error", "executionId", "heartbeatAt", "heartbeatDetails", "id", "input", "leaseExpiresAt", "lockedBy", "mapIndex", "nextRunAt", "output", "scheduledAt", "startedAt", "status", "taskKey", "taskType", "updatedAt", "workerTaskType", (SELECT COALESCE(SUM(length(CAST(l."message" AS BLOB))), 0) FROM "TaskLog" l WHERE l."taskRunId" = "TaskRun"."id") FROM "TaskRun";
DROP TABLE "TaskRun";
ALTER TABLE "new_TaskRun" RENAME TO "TaskRun";
CREATE INDEX "TaskRun_status_nextRunAt_idx" ON "TaskRun"("status", "nextRunAt");
CREATE INDEX "TaskRun_workerTaskType_status_nextRunAt_idx" ON "TaskRun"("workerTaskType", "status", "nextRunAt");
CREATE INDEX "TaskRun_leaseExpiresAt_idx" ON "TaskRun"("leaseExpiresAt");
CREATE UNIQUE INDEX "TaskRun_executionId_taskKey_mapIndex_attempt_key" ON "TaskRun"("executionId", "taskKey", "mapIndex", "attempt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "TaskLog_executionId_id_idx" ON "TaskLog"("executionId", "id");

-- CreateIndex
CREATE INDEX "TaskLog_taskRunId_id_idx" ON "TaskLog"("taskRunId", "id");
