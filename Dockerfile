# The service image: migrate, load the taxonomies, then serve.
# Give it a PostgreSQL database by environment, e.g.
#   docker run -e STOCKTAKING_DATABASE_URL=postgresql://user:pass@db/stocktaking \
#              -e STOCKTAKING_SECRET_KEY=... -p 8000:8000 aicto-stocktaking
# The fonts, icons and map shapes the pages use come from the npm registry
# (package.json).
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json app/static/icons.txt ./
RUN npm ci --omit=dev --no-audit --no-fund && mkdir fonts icons \
    && cp node_modules/@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-*-normal.woff2 \
          node_modules/@fontsource/noto-sans/files/noto-sans-latin-*-normal.woff2 fonts/ \
    && grep -v -e '^#' -e '^[[:space:]]*$' icons.txt \
       | sed 's|.*|node_modules/lucide-static/icons/&.svg|' | xargs cp -t icons/

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STOCKTAKING_ENVIRONMENT=production \
    STOCKTAKING_HOST=0.0.0.0 \
    STOCKTAKING_PORT=8000

RUN useradd --create-home --uid 10001 stocktaking
WORKDIR /srv/stocktaking

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir app seeds && touch app/__init__.py seeds/__init__.py \
    && pip install . && pip uninstall -y aicto-stocktaking

COPY . .
COPY --from=assets /assets/fonts app/static/fonts
COPY --from=assets /assets/icons app/static/icons
# The map's shapes, prepared from Natural Earth (scripts/prepare_map.py: no Node needed).
COPY --from=assets /assets/node_modules/world-atlas/countries-50m.json /tmp/countries-50m.json
# Editable: alembic.ini, migrations/ and seeds/ are read from this directory.
RUN pip install --no-deps -e . && mkdir -p data && chown stocktaking data \
    && python scripts/prepare_map.py /tmp/countries-50m.json && rm /tmp/countries-50m.json

USER stocktaking
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "stocktaking db upgrade && stocktaking seed && exec stocktaking serve"]
