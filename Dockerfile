# Dedicated agent image (optional): `mirrorctl rollout` needs none — it ships the agent bundle in a
# ConfigMap and runs it on any Node.js image. This image is what the kustomize base (deploy/) uses.
#   npm ci && npm run build:agent && docker build -t mirrorctl-agent:latest .
# Only the single-file bundle goes in (no node_modules), plus util-linux's nsenter, which the agent
# uses to restart/reload the runtime in the host's namespaces (hostPID).
FROM node:20-alpine
RUN apk add --no-cache util-linux-misc
COPY dist/agent/mirrorctl-agent.mjs /opt/mirrorctl/agent.mjs
USER 0
ENTRYPOINT ["node", "/opt/mirrorctl/agent.mjs"]
CMD ["agent", "--spec", "/config/mirrors.yaml", "--root", "/host"]
