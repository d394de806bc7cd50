-- CreateIndex
CREATE INDEX "Execution_workflowName_endedAt_idx" ON "Execution"("workflowName", "endedAt");
