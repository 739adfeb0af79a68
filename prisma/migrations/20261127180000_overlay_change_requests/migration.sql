-- AlterTable: change requests of a group's overlay
ALTER TABLE "ChangeRequest" ADD COLUMN     "baseOverlayNumber" INTEGER,
ADD COLUMN     "groupId" TEXT;

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "HostGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
