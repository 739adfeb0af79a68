-- AlterTable
ALTER TABLE "Decision" ADD COLUMN     "reviewRequest" TEXT;

-- AlterTable
ALTER TABLE "DecisionSetting" ADD COLUMN     "exactRequests" BOOLEAN NOT NULL DEFAULT false;
