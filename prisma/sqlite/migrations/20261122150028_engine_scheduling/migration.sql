-- AlterTable
ALTER TABLE "Execution" ADD COLUMN "nextDecisionAt" DATETIME;

-- CreateIndex
CREATE INDEX "Execution_nextDecisionAt_idx" ON "Execution"("nextDecisionAt");
