# syntax=docker/dockerfile:1
# agui-mock in a container, for CI that runs in containers (docs/docker.md). It installs the packed package that
# sits next to this file, as a frontend project would:
#   npm pack && docker build -t agui-mock .
#   docker run --rm -p 8000:8000 -v "$PWD/mocks:/mocks" agui-mock serve --host 0.0.0.0 --workspace /mocks/mock.agui.json
# test/npm-package.test.ts runs these steps against the packed package (Docker itself is not needed for that).
FROM node:20-slim
WORKDIR /opt/agui-mock
COPY agui-mock-*.tgz ./
# npm's cache stays out of the image.
RUN --mount=type=cache,target=/root/.npm npm install --omit=dev --no-audit --no-fund ./agui-mock-*.tgz && rm agui-mock-*.tgz
ENV PATH=/opt/agui-mock/node_modules/.bin:$PATH
USER node
WORKDIR /home/node
EXPOSE 8000
ENTRYPOINT ["agui-mock"]
# Every interface: in a container, connections arrive on the container's own address, never on 127.0.0.1.
CMD ["serve", "--host", "0.0.0.0"]
