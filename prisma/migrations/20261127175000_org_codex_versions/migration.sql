-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "codexVersions" TEXT[] DEFAULT ARRAY[]::TEXT[];
