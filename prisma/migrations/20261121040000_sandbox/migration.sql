-- Reviewer sandbox: sample requests, runs and their results, per-org provider settings (API key sealed).
-- CreateTable
CREATE TABLE "SampleRequest" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "action" JSONB NOT NULL,
    "transcript" JSONB,
    "retryReason" TEXT,
    "expectedOutcome" TEXT,
    "tags" TEXT[],
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SampleRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxRun" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "policySource" TEXT NOT NULL,
    "policyRef" TEXT,
    "policyLabel" TEXT NOT NULL,
    "policyText" TEXT NOT NULL,
    "policySha256" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerLabel" TEXT NOT NULL,
    "baseUrl" TEXT,
    "model" TEXT NOT NULL,
    "repeat" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "timeoutMs" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedById" TEXT,
    "startedByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SandboxRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxResult" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "sampleId" TEXT,
    "sampleName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "expectedOutcome" TEXT,
    "requestMessage" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "riskLevel" TEXT,
    "userAuthorization" TEXT,
    "rationale" TEXT NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "promptTokens" INTEGER,
    "completionTokens" INTEGER,
    "totalTokens" INTEGER,
    "raw" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderSetting" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "baseUrl" TEXT,
    "model" TEXT,
    "apiKeySealed" TEXT,
    "apiKeyHint" TEXT,
    "instructionsRole" TEXT NOT NULL DEFAULT 'system',
    "responseFormat" TEXT NOT NULL DEFAULT 'json_schema',
    "timeoutMs" INTEGER NOT NULL DEFAULT 90000,
    "concurrency" INTEGER NOT NULL DEFAULT 4,
    "samplesSeededAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedByLabel" TEXT,

    CONSTRAINT "ProviderSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SampleRequest_orgId_kind_idx" ON "SampleRequest"("orgId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "SampleRequest_orgId_name_key" ON "SampleRequest"("orgId", "name");

-- CreateIndex
CREATE INDEX "SandboxRun_orgId_createdAt_idx" ON "SandboxRun"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "SandboxResult_runId_idx" ON "SandboxResult"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "SandboxResult_runId_sampleName_attempt_key" ON "SandboxResult"("runId", "sampleName", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderSetting_orgId_key" ON "ProviderSetting"("orgId");

-- AddForeignKey
ALTER TABLE "SampleRequest" ADD CONSTRAINT "SampleRequest_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SandboxRun" ADD CONSTRAINT "SandboxRun_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SandboxResult" ADD CONSTRAINT "SandboxResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SandboxRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderSetting" ADD CONSTRAINT "ProviderSetting_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

