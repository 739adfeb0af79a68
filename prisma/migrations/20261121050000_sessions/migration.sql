-- CreateIndex
CREATE INDEX "AuditEvent_action_actorLabel_createdAt_idx" ON "AuditEvent"("action", "actorLabel", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_action_ip_createdAt_idx" ON "AuditEvent"("action", "ip", "createdAt");

