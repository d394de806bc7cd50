-- AlterTable
ALTER TABLE "WorkflowDefinition" ADD COLUMN "restoredFrom" INTEGER;
