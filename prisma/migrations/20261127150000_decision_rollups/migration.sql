-- Daily rollups of decisions for the dashboard (issue 14), maintained by the ingest statement itself.
-- CreateTable
CREATE TABLE "DecisionDaily" (
    "orgId" TEXT NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "riskLevel" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "policyVersion" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DecisionDaily_pkey" PRIMARY KEY ("orgId","day","status","riskLevel","kind","group","model","policyVersion")
);

-- CreateTable
CREATE TABLE "DecisionHostDaily" (
    "orgId" TEXT NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "hostName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DecisionHostDaily_pkey" PRIMARY KEY ("orgId","day","hostName","status")
);
