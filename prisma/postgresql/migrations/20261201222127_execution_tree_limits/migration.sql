-- AlterTable
ALTER TABLE "Execution" ADD COLUMN     "depth" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rootExecutionId" TEXT,
ADD COLUMN     "treeSize" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE INDEX "Execution_rootExecutionId_status_idx" ON "Execution"("rootExecutionId", "status");
