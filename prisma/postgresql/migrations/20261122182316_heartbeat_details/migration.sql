-- AlterTable
ALTER TABLE "TaskRun" ADD COLUMN     "heartbeatDetails" TEXT;
