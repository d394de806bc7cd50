-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Execution" (
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
    "nextDecisionAt" DATETIME,
    "depth" INTEGER NOT NULL DEFAULT 0,
    "rootExecutionId" TEXT,
    "treeSize" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "Execution_definitionId_fkey" FOREIGN KEY ("definitionId") REFERENCES "WorkflowDefinition" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Execution_parentExecutionId_fkey" FOREIGN KEY ("parentExecutionId") REFERENCES "Execution" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Execution" ("correlationId", "createdAt", "createdBy", "definitionId", "endedAt", "error", "id", "input", "nextDecisionAt", "output", "parentExecutionId", "parentTaskRunId", "startedAt", "status", "updatedAt", "version", "workflowName", "workflowVersion") SELECT "correlationId", "createdAt", "createdBy", "definitionId", "endedAt", "error", "id", "input", "nextDecisionAt", "output", "parentExecutionId", "parentTaskRunId", "startedAt", "status", "updatedAt", "version", "workflowName", "workflowVersion" FROM "Execution";
DROP TABLE "Execution";
ALTER TABLE "new_Execution" RENAME TO "Execution";
CREATE INDEX "Execution_status_createdAt_idx" ON "Execution"("status", "createdAt");
CREATE INDEX "Execution_workflowName_workflowVersion_createdAt_idx" ON "Execution"("workflowName", "workflowVersion", "createdAt");
CREATE INDEX "Execution_workflowName_status_createdAt_idx" ON "Execution"("workflowName", "status", "createdAt");
CREATE INDEX "Execution_createdAt_id_idx" ON "Execution"("createdAt", "id");
CREATE INDEX "Execution_correlationId_idx" ON "Execution"("correlationId");
CREATE INDEX "Execution_parentExecutionId_idx" ON "Execution"("parentExecutionId");
CREATE INDEX "Execution_nextDecisionAt_idx" ON "Execution"("nextDecisionAt");
CREATE INDEX "Execution_rootExecutionId_status_idx" ON "Execution"("rootExecutionId", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
