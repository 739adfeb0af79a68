-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "sink" TEXT NOT NULL DEFAULT 'webhook';

-- CreateTable
CREATE TABLE "OtlpExport" (
    "orgId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "headersSealed" TEXT,
    "headerNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "auditSeq" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OtlpExport_pkey" PRIMARY KEY ("orgId")
);

-- AddForeignKey
ALTER TABLE "OtlpExport" ADD CONSTRAINT "OtlpExport_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
