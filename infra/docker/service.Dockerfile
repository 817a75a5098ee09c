# One image recipe for every service: docker build --build-arg SERVICE=ingestion -f infra/docker/service.Dockerfile .
# Services run their TypeScript directly on Node 24 (built-in type stripping): there is no build step.
# Node refuses to strip types under node_modules, so the workspace keeps its layout (packages/ and
# services/ as real folders, linked from node_modules) instead of `pnpm deploy`, which would copy the
# workspace packages into node_modules.
ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS deps
ARG SERVICE
RUN corepack enable && corepack prepare pnpm@10.34.8 --activate
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY packages/ packages/
COPY services/ services/
RUN pnpm install --frozen-lockfile --prod --filter "@regua/${SERVICE}..."

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production
# Inside a container the service must answer on the container's interface, not only its loopback.
ENV HTTP_HOST=0.0.0.0
# Two glibc malloc arenas: memory outside V8's heap otherwise creeps up (packages/local-infra/src/services.ts).
ENV MALLOC_ARENA_MAX=2
COPY --from=deps --chown=node:node /app /app
WORKDIR /app/services/${SERVICE}
USER node
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "--disable-warning=TimeoutNegativeWarning", "--import", "./src/instrumentation.ts", "src/main.ts"]
