-- CreateEnum
CREATE TYPE "RolloutState" AS ENUM ('running', 'paused', 'completed', 'halted', 'rolled_back', 'timed_out');

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "rolloutAutoPromote" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "HostGroup" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rules" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "HostGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OverlayVersion" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "toml" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "authorId" TEXT,
    "authorTokenId" TEXT,
    "authorLabel" TEXT NOT NULL,
    "parentNumber" INTEGER,
    "changeRequestId" TEXT,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OverlayVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupBundle" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "baseVersion" INTEGER NOT NULL,
    "overlayVersion" INTEGER NOT NULL,
    "toml" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "jws" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "GroupBundle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "versionNumber" INTEGER NOT NULL,
    "previousNumber" INTEGER,
    "rings" JSONB NOT NULL,
    "gates" JSONB NOT NULL,
    "currentRing" INTEGER NOT NULL DEFAULT 0,
    "state" "RolloutState" NOT NULL DEFAULT 'running',
    "ringStartedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT,
    "rollbackNumber" INTEGER,
    "createdById" TEXT,
    "createdLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutEvent" (
    "id" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "ring" INTEGER,
    "detail" JSONB,

    CONSTRAINT "RolloutEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryChange" (
    "orgId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DeliveryChange_pkey" PRIMARY KEY ("orgId")
);

-- CreateIndex
CREATE UNIQUE INDEX "HostGroup_orgId_name_key" ON "HostGroup"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "OverlayVersion_changeRequestId_key" ON "OverlayVersion"("changeRequestId");

-- CreateIndex
CREATE INDEX "OverlayVersion_orgId_idx" ON "OverlayVersion"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "OverlayVersion_groupId_number_key" ON "OverlayVersion"("groupId", "number");

-- CreateIndex
CREATE INDEX "GroupBundle_orgId_idx" ON "GroupBundle"("orgId");

-- CreateIndex
CREATE INDEX "GroupBundle_updatedAt_idx" ON "GroupBundle"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "GroupBundle_groupId_baseVersion_overlayVersion_key" ON "GroupBundle"("groupId", "baseVersion", "overlayVersion");

-- CreateIndex
CREATE INDEX "Rollout_orgId_state_idx" ON "Rollout"("orgId", "state");

-- CreateIndex
CREATE INDEX "Rollout_updatedAt_idx" ON "Rollout"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Rollout_orgId_versionNumber_key" ON "Rollout"("orgId", "versionNumber");

-- CreateIndex
CREATE INDEX "RolloutEvent_rolloutId_at_idx" ON "RolloutEvent"("rolloutId", "at");

-- CreateIndex
CREATE INDEX "DeliveryChange_at_idx" ON "DeliveryChange"("at");

-- AddForeignKey
ALTER TABLE "HostGroup" ADD CONSTRAINT "HostGroup_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OverlayVersion" ADD CONSTRAINT "OverlayVersion_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OverlayVersion" ADD CONSTRAINT "OverlayVersion_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "HostGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupBundle" ADD CONSTRAINT "GroupBundle_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupBundle" ADD CONSTRAINT "GroupBundle_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "HostGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutEvent" ADD CONSTRAINT "RolloutEvent_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

