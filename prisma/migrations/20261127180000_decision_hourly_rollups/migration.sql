-- Hourly rollups of decisions and a host rollup with every dimension (issue 14), kept by the ingest statement
-- (lib/decisions/storage.ts); existing decisions are counted in below. The host index follows the dashboard's host
-- filter, which matches the reported host name.

-- DropIndex
DROP INDEX "Decision_orgId_hostId_occurredAt_idx";

-- CreateIndex
CREATE INDEX "Decision_orgId_hostName_occurredAt_idx" ON "Decision"("orgId", "hostName", "occurredAt");

-- Rebuilt below from the decisions themselves.
TRUNCATE "DecisionHostDaily";

-- AlterTable
ALTER TABLE "DecisionHostDaily" DROP CONSTRAINT "DecisionHostDaily_pkey",
ADD COLUMN     "group" TEXT NOT NULL,
ADD COLUMN     "kind" TEXT NOT NULL,
ADD COLUMN     "model" TEXT NOT NULL,
ADD COLUMN     "policyVersion" INTEGER NOT NULL,
ADD COLUMN     "riskLevel" TEXT NOT NULL,
ADD CONSTRAINT "DecisionHostDaily_pkey" PRIMARY KEY ("orgId", "day", "hostName", "status", "riskLevel", "kind", "group", "model", "policyVersion");

-- CreateTable
CREATE TABLE "DecisionHourly" (
    "orgId" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "riskLevel" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "policyVersion" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DecisionHourly_pkey" PRIMARY KEY ("orgId","hour","status","riskLevel","kind","group","model","policyVersion")
);

-- CreateTable
CREATE TABLE "DecisionHostHourly" (
    "orgId" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "hostName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "riskLevel" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "policyVersion" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DecisionHostHourly_pkey" PRIMARY KEY ("orgId","hour","hostName","status","riskLevel","kind","group","model","policyVersion")
);

-- CreateTable
CREATE TABLE "DecisionHostStatusHourly" (
    "orgId" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "hostName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DecisionHostStatusHourly_pkey" PRIMARY KEY ("orgId","hour","hostName","status")
);

-- Backfill from the stored decisions.
INSERT INTO "DecisionHostDaily" ("orgId", "day", "hostName", "status", "riskLevel", "kind", "group", "model", "policyVersion", "n")
SELECT "orgId", date_trunc('day', "occurredAt", 'UTC'), COALESCE("hostName", ''), status, COALESCE("riskLevel", ''), kind, COALESCE("group", ''), COALESCE(model, ''), COALESCE("policyVersion", -1), count(*)::int
FROM "Decision" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

INSERT INTO "DecisionHourly" ("orgId", "hour", "status", "riskLevel", "kind", "group", "model", "policyVersion", "n")
SELECT "orgId", date_trunc('hour', "occurredAt", 'UTC'), status, COALESCE("riskLevel", ''), kind, COALESCE("group", ''), COALESCE(model, ''), COALESCE("policyVersion", -1), count(*)::int
FROM "Decision" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO "DecisionHostHourly" ("orgId", "hour", "hostName", "status", "riskLevel", "kind", "group", "model", "policyVersion", "n")
SELECT "orgId", date_trunc('hour', "occurredAt", 'UTC'), COALESCE("hostName", ''), status, COALESCE("riskLevel", ''), kind, COALESCE("group", ''), COALESCE(model, ''), COALESCE("policyVersion", -1), count(*)::int
FROM "Decision" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

INSERT INTO "DecisionHostStatusHourly" ("orgId", "hour", "hostName", "status", "n")
SELECT "orgId", date_trunc('hour', "occurredAt", 'UTC'), COALESCE("hostName", ''), status, count(*)::int
FROM "Decision" GROUP BY 1, 2, 3, 4;
