# One image for both processes: `node dist/apps/api/src/main.js` (API) and
# `node dist/apps/worker/src/main.js` (worker). See docs/adr/0001.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# A 64 MiB young generation for every engine process (docs/adr/0006-young-generation-size.md).
ENV NODE_ENV=production LAUREL_HOST=0.0.0.0 LAUREL_DATA_DIR=/data NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/bin ./bin
COPY rules ./rules
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "dist/apps/api/src/main.js"]
