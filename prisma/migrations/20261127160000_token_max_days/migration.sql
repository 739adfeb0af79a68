-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "tokenMaxDays" INTEGER NOT NULL DEFAULT 90;
