-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "agentPollSeconds" INTEGER;

-- AlterTable
ALTER TABLE "AgentToken" ADD COLUMN     "enrollmentSecretId" TEXT;

-- CreateTable
CREATE TABLE "AgentHost" (
    "tokenId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "hostname" TEXT,
    "os" TEXT,
    "arch" TEXT,
    "agentVersion" TEXT,
    "codexVersion" TEXT,
    "reportedState" TEXT,
    "installedVersion" INTEGER,
    "installedSha256" TEXT,
    "diskSha256" TEXT,
    "lastError" TEXT,
    "lastCheckAt" TIMESTAMPTZ(3),
    "enrolledAt" TIMESTAMPTZ(3),
    "firstSeenAt" TIMESTAMPTZ(3),
    "lastSeenAt" TIMESTAMPTZ(3),
    "checkIns" INTEGER NOT NULL DEFAULT 0,
    "stateChangedAt" TIMESTAMPTZ(3),
    "historyAt" TIMESTAMPTZ(3),

    CONSTRAINT "AgentHost_pkey" PRIMARY KEY ("tokenId")
);

-- CreateTable
CREATE TABLE "AgentHostHistory" (
    "id" BIGSERIAL NOT NULL,
    "tokenId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "installedVersion" INTEGER,
    "diskSha256" TEXT,
    "agentVersion" TEXT,
    "codexVersion" TEXT,
    "reason" TEXT,

    CONSTRAINT "AgentHostHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnrollmentSecret" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "group" TEXT,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "maxUses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnrollmentSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrgWebhook" (
    "orgId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secretSealed" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OrgWebhook_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),
    "failedAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "lastStatus" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgentHost_orgId_lastSeenAt_idx" ON "AgentHost"("orgId", "lastSeenAt");

-- CreateIndex
CREATE INDEX "AgentHostHistory_orgId_at_idx" ON "AgentHostHistory"("orgId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "AgentHostHistory_tokenId_kind_at_state_key" ON "AgentHostHistory"("tokenId", "kind", "at", "state");

-- CreateIndex
CREATE UNIQUE INDEX "EnrollmentSecret_secretHash_key" ON "EnrollmentSecret"("secretHash");

-- CreateIndex
CREATE INDEX "EnrollmentSecret_orgId_idx" ON "EnrollmentSecret"("orgId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_deliveredAt_failedAt_nextAttemptAt_idx" ON "WebhookDelivery"("deliveredAt", "failedAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_orgId_createdAt_idx" ON "WebhookDelivery"("orgId", "createdAt");

-- AddForeignKey
ALTER TABLE "AgentToken" ADD CONSTRAINT "AgentToken_enrollmentSecretId_fkey" FOREIGN KEY ("enrollmentSecretId") REFERENCES "EnrollmentSecret"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentHost" ADD CONSTRAINT "AgentHost_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "AgentToken"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentHost" ADD CONSTRAINT "AgentHost_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentHostHistory" ADD CONSTRAINT "AgentHostHistory_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnrollmentSecret" ADD CONSTRAINT "EnrollmentSecret_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnrollmentSecret" ADD CONSTRAINT "EnrollmentSecret_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrgWebhook" ADD CONSTRAINT "OrgWebhook_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

