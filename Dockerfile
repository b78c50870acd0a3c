FROM python:3.11-slim
WORKDIR /opt/danvan
COPY pyproject.toml README.md ./
COPY src ./src
COPY flows ./flows
COPY dbt_project ./dbt_project
COPY expectations ./expectations
COPY dashboards ./dashboards
COPY docs ./docs
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache -e .
ENV DANVAN_HOME=/var/lib/danvan DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=False
CMD ["danvan", "--help"]
