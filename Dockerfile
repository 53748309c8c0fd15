# Hindsight image: the collector by default, the demo app as target `demo`.
#   docker build -t hindsight-collector .            # runtime (collector CLI as entrypoint)
#   docker build --target demo -t hindsight-demo .   # demo app (keeps dev dependencies)
# The base image is pinned; bump it deliberately (engines: node >= 20.19).
ARG NODE_IMAGE=node:20.19.2-bookworm-slim

# ---- build: install every dependency from the lockfile and compile all TypeScript projects
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/package.json
COPY collector/package.json collector/package.json
RUN npm ci --no-audit --no-fund
# The rest of the sources (.dockerignore keeps out node_modules, dist, .git, docs and the stack).
# One COPY, so a folder that is still empty in git (bench/) cannot break the build.
COPY . .
RUN npm run build

# ---- demo: the demo service needs dev dependencies (its HTTP framework, tsx), so it keeps them
FROM build AS demo
ENV NODE_ENV=production
USER node
ENTRYPOINT ["npm", "run", "--silent"]
CMD ["demo:service"]

# ---- prune: drop dev dependencies for the runtime image
FROM build AS prune
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: the collector, as a non-root user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prune /app/package.json /app/package-lock.json ./
COPY --from=prune /app/node_modules node_modules
# Whole workspace folders, not only dist/: the sinks read their SQL files from beside the code.
COPY --from=prune /app/sdk sdk
COPY --from=prune /app/collector collector
COPY docker/collector.yaml /etc/hindsight/collector.yaml
USER node
# /metrics, /healthz, /readyz (service.http in the config).
EXPOSE 9464
ENTRYPOINT ["node", "/app/collector/dist/cli/main.js"]
CMD ["run", "--config", "/etc/hindsight/collector.yaml"]
