"""The body-recall rule of issue 22, fixed before any tuning of the matcher.

The words: every term of :data:`VOCABULARY` (technologies, written from general knowledge,
not from the collections) that occurs in the whole file text of 1 to 10 entries of a
catalogue (case-insensitive, on word boundaries). The check: for each such word, the
share of those files that the matcher ranks in its top 10 when the word is the task
(recall@10); the rule asks for a mean of at least 0.9.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

MIN_FILES, MAX_FILES, TOP = 1, 10, 10

VOCABULARY = """
kubernetes, docker, podman, helm, kustomize, terraform, opentofu, pulumi, ansible, chef,
puppet, vagrant, packer, consul, vault, nomad, istio, linkerd, envoy, nginx, haproxy,
traefik, prometheus, grafana, loki, jaeger, zipkin, opentelemetry, datadog, splunk, kibana,
elasticsearch, opensearch, logstash, fluentd, sentry, pagerduty, nagios,
github actions, gitlab ci, jenkins, circleci, argo cd, argocd, tekton, spinnaker,
aws, azure, gcp, google cloud, cloudformation, cloudflare, heroku, vercel, netlify,
ec2, s3, dynamodb, eks, aks, gke, fargate,
postgresql, postgres, mysql, mariadb, sqlite, mongodb, cassandra, redis, memcached,
couchdb, neo4j, clickhouse, snowflake, bigquery, redshift, duckdb, timescaledb,
cockroachdb, supabase, firebase, prisma, sqlalchemy, hibernate, sequelize, typeorm,
alembic, flyway, liquibase,
kafka, rabbitmq, nats, pulsar, kinesis, celery, sidekiq, airflow, dagster, prefect, dbt,
spark, flink, hadoop, databricks, pandas, numpy, polars, jupyter,
pytorch, tensorflow, keras, scikit-learn, xgboost, hugging face, mlflow, kubeflow,
langchain, llamaindex, onnx, cuda,
react, vue, angular, svelte, next.js, nuxt, remix, gatsby, astro, jquery, redux, zustand,
tailwind, bootstrap, sass, webpack, vite, rollup, esbuild, babel, storybook,
typescript, javascript, node.js, deno, express, fastify, nestjs,
python, django, flask, fastapi, pydantic, ruby, rails, php, laravel, symfony, wordpress,
java, spring boot, kotlin, scala, groovy, gradle, maven,
golang, rust, tokio, cargo, c++, c#, .net, asp.net, blazor, swift, swiftui, objective-c,
flutter, dart, react native, expo, xamarin, electron, tauri,
elixir, phoenix, erlang, haskell, clojure, julia, lua, perl, bash, powershell,
jest, mocha, vitest, cypress, playwright, selenium, puppeteer, pytest, junit, testng,
rspec, phpunit, cucumber, pact, k6, jmeter, locust, gatling, postman,
graphql, grpc, protobuf, openapi, swagger, websocket, webhooks, oauth, saml, jwt,
openid connect, keycloak, auth0, okta, ldap, active directory,
owasp, burp suite, nmap, metasploit, wireshark, snyk, sonarqube, trivy, semgrep,
dependabot, github, gitlab, bitbucket, jira, confluence, notion, slack, figma,
linux, ubuntu, debian, alpine, windows server, macos, ios, android,
webassembly, wasm, solidity, ethereum, unity, unreal engine, godot,
stripe, paypal, twilio, sendgrid, shopify, salesforce, hubspot,
mkdocs, sphinx, docusaurus, latex, mermaid,
cert-manager, makefile, cmake, bazel, turborepo, pnpm, yarn, npm, poetry, conda
"""
"""Terms separated by commas; a term may hold spaces and punctuation."""


def terms() -> list[str]:
    """The vocabulary as lowercase terms, in order, without repeats."""
    return list(dict.fromkeys(t.strip().lower() for t in VOCABULARY.split(",") if t.strip()))


def pattern(term: str) -> re.Pattern[str]:
    """The term on word boundaries: no letter or digit just before or after it."""
    return re.compile(r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])")


def words_in_few_files(texts: Mapping[str, str]) -> dict[str, list[str]]:
    """Each vocabulary term that occurs in 1 to 10 of ``texts`` (entry name -> whole file
    text), with the names of the entries whose files contain it."""
    lowered = {name: text.lower() for name, text in texts.items()}
    found = {}
    for term in terms():
        regex = pattern(term)
        names = sorted(
            name for name, text in lowered.items() if term in text and regex.search(text)
        )
        if MIN_FILES <= len(names) <= MAX_FILES:
            found[term] = names
    return found


def recall(
    words: Mapping[str, list[str]], rank: Callable[[str], list[str]], top: int = TOP
) -> dict[str, float]:
    """Recall@``top`` per word: the share of its files that ``rank(word)`` puts in the top."""
    result = {}
    for word, names in words.items():
        ranked = set(rank(word)[:top])
        result[word] = sum(name in ranked for name in names) / len(names)
    return result
