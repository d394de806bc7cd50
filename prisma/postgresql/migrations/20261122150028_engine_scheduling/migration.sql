-- AlterTable
ALTER TABLE "Execution" ADD COLUMN     "nextDecisionAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Execution_nextDecisionAt_idx" ON "Execution"("nextDecisionAt");
