-- DropIndex
DROP INDEX "Execution_createdAt_idx";

-- CreateIndex
CREATE INDEX "Execution_workflowName_status_createdAt_idx" ON "Execution"("workflowName", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Execution_createdAt_id_idx" ON "Execution"("createdAt", "id");
