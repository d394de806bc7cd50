-- AlterTable
ALTER TABLE "Execution" ADD COLUMN     "trigger" TEXT;

-- CreateTable
CREATE TABLE "Trigger" (
    "id" TEXT NOT NULL,
    "workflowName" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "definitionId" TEXT NOT NULL,
    "definitionVersion" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "pausedAt" TIMESTAMP(3),
    "pausedBy" TEXT,
    "retiredAt" TIMESTAMP(3),
    "nextFireAt" TIMESTAMP(3),
    "lastFireAt" TIMESTAMP(3),
    "lastExecutionId" TEXT,
    "cursorAt" TIMESTAMP(3),
    "secretCiphertext" TEXT,
    "secretIv" TEXT,
    "secretAuthTag" TEXT,
    "secretKeyId" TEXT,
    "secretRotatedAt" TIMESTAMP(3),
    "secretRotatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Trigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriggerFire" (
    "id" TEXT NOT NULL,
    "triggerId" TEXT NOT NULL,
    "fireKey" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "executionId" TEXT,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TriggerFire_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriggerEvent" (
    "id" TEXT NOT NULL,
    "triggerId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "payload" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriggerEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Trigger_type_nextFireAt_idx" ON "Trigger"("type", "nextFireAt");

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_workflowName_key_key" ON "Trigger"("workflowName", "key");

-- CreateIndex
CREATE INDEX "TriggerFire_executionId_idx" ON "TriggerFire"("executionId");

-- CreateIndex
CREATE INDEX "TriggerFire_triggerId_createdAt_idx" ON "TriggerFire"("triggerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TriggerFire_triggerId_fireKey_key" ON "TriggerFire"("triggerId", "fireKey");

-- CreateIndex
CREATE INDEX "TriggerEvent_triggerId_createdAt_idx" ON "TriggerEvent"("triggerId", "createdAt");

-- AddForeignKey
ALTER TABLE "TriggerFire" ADD CONSTRAINT "TriggerFire_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriggerEvent" ADD CONSTRAINT "TriggerEvent_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;
