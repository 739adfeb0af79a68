-- Decisions: every Auto-review reported by hosts (issue 14).
-- CreateTable
CREATE TABLE "Decision" (
    "orgId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "hostId" TEXT,
    "hostName" TEXT,
    "group" TEXT,
    "status" TEXT NOT NULL,
    "codexStatus" TEXT NOT NULL,
    "outcome" TEXT,
    "riskLevel" TEXT,
    "userAuthorization" TEXT,
    "rationale" TEXT NOT NULL,
    "rationaleTruncated" BOOLEAN NOT NULL DEFAULT false,
    "durationMs" INTEGER,
    "kind" TEXT NOT NULL,
    "toolName" TEXT,
    "toolNamespace" TEXT,
    "mcpServer" TEXT,
    "arguments" JSONB,
    "toolSuccess" BOOLEAN,
    "model" TEXT,
    "codexVersion" TEXT,
    "originator" TEXT,
    "policyVersion" INTEGER,
    "conversationId" TEXT NOT NULL,
    "callId" TEXT NOT NULL,
    "turnId" TEXT,
    "masked" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("orgId","occurredAt","id")
) PARTITION BY RANGE ("occurredAt");

-- Rows land in monthly partitions ("Decision_YYYYMM", added by lib/decisions/storage.ts before it writes a month);
-- the default partition only catches what arrives before its month exists. Retention drops whole partitions when every
-- org's window has passed them and deletes per org inside the rest.
CREATE TABLE "Decision_default" PARTITION OF "Decision" DEFAULT;

-- CreateTable
CREATE TABLE "DecisionSetting" (
    "orgId" TEXT NOT NULL,
    "collect" BOOLEAN NOT NULL DEFAULT false,
    "relayPort" INTEGER NOT NULL DEFAULT 4318,
    "retentionDays" INTEGER NOT NULL DEFAULT 90,
    "maskPatterns" JSONB NOT NULL DEFAULT '[]',
    "maskJsonPaths" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedByLabel" TEXT,

    CONSTRAINT "DecisionSetting_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "DecisionIngestKey" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DecisionIngestKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Decision_orgId_status_occurredAt_idx" ON "Decision"("orgId", "status", "occurredAt");

-- CreateIndex
CREATE INDEX "Decision_orgId_hostId_occurredAt_idx" ON "Decision"("orgId", "hostId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "DecisionIngestKey_tokenHash_key" ON "DecisionIngestKey"("tokenHash");

-- CreateIndex
CREATE INDEX "DecisionIngestKey_orgId_idx" ON "DecisionIngestKey"("orgId");
