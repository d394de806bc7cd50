-- CreateTable
CREATE TABLE "WorkflowDefinition" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "description" TEXT,
    "taskCount" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT
);

-- CreateTable
CREATE TABLE "Execution" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "definitionId" TEXT NOT NULL,
    "workflowName" TEXT NOT NULL,
    "workflowVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "input" TEXT,
    "output" TEXT,
    "error" TEXT,
    "correlationId" TEXT,
    "parentExecutionId" TEXT,
    "parentTaskRunId" TEXT,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Execution_definitionId_fkey" FOREIGN KEY ("definitionId") REFERENCES "WorkflowDefinition" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Execution_parentExecutionId_fkey" FOREIGN KEY ("parentExecutionId") REFERENCES "Execution" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TaskRun" (
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
    "logs" TEXT,
    "workerTaskType" TEXT,
    "scheduledAt" DATETIME,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "nextRunAt" DATETIME,
    "lockedBy" TEXT,
    "leaseExpiresAt" DATETIME,
    "heartbeatAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TaskRun_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExecutionEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "executionId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "taskKey" TEXT,
    "taskRunId" TEXT,
    "mapIndex" INTEGER,
    "actor" TEXT,
    "reason" TEXT,
    "payload" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExecutionEvent_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "WorkflowDefinition_name_createdAt_idx" ON "WorkflowDefinition"("name", "createdAt");

-- CreateIndex
CREATE INDEX "WorkflowDefinition_createdAt_idx" ON "WorkflowDefinition"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowDefinition_name_version_key" ON "WorkflowDefinition"("name", "version");

-- CreateIndex
CREATE INDEX "Execution_status_createdAt_idx" ON "Execution"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Execution_workflowName_workflowVersion_createdAt_idx" ON "Execution"("workflowName", "workflowVersion", "createdAt");

-- CreateIndex
CREATE INDEX "Execution_createdAt_idx" ON "Execution"("createdAt");

-- CreateIndex
CREATE INDEX "Execution_correlationId_idx" ON "Execution"("correlationId");

-- CreateIndex
CREATE INDEX "Execution_parentExecutionId_idx" ON "Execution"("parentExecutionId");

-- CreateIndex
CREATE INDEX "TaskRun_status_nextRunAt_idx" ON "TaskRun"("status", "nextRunAt");

-- CreateIndex
CREATE INDEX "TaskRun_workerTaskType_status_nextRunAt_idx" ON "TaskRun"("workerTaskType", "status", "nextRunAt");

-- CreateIndex
CREATE INDEX "TaskRun_leaseExpiresAt_idx" ON "TaskRun"("leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "TaskRun_executionId_taskKey_mapIndex_attempt_key" ON "TaskRun"("executionId", "taskKey", "mapIndex", "attempt");

-- CreateIndex
CREATE INDEX "ExecutionEvent_executionId_id_idx" ON "ExecutionEvent"("executionId", "id");

-- CreateIndex
CREATE INDEX "ExecutionEvent_createdAt_idx" ON "ExecutionEvent"("createdAt");
