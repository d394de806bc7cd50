-- AlterTable
ALTER TABLE "Execution" ADD COLUMN "trigger" TEXT;

-- CreateTable
CREATE TABLE "Trigger" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowName" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "definitionId" TEXT NOT NULL,
    "definitionVersion" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "pausedAt" DATETIME,
    "pausedBy" TEXT,
    "retiredAt" DATETIME,
    "nextFireAt" DATETIME,
    "lastFireAt" DATETIME,
    "lastExecutionId" TEXT,
    "cursorAt" DATETIME,
    "secretCiphertext" TEXT,
    "secretIv" TEXT,
    "secretAuthTag" TEXT,
    "secretKeyId" TEXT,
    "secretRotatedAt" DATETIME,
    "secretRotatedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TriggerFire" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "triggerId" TEXT NOT NULL,
    "fireKey" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "executionId" TEXT,
    "actor" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "TriggerFire_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TriggerEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "triggerId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "payload" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TriggerEvent_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
