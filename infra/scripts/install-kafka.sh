#!/usr/bin/env bash
# Resolves the Apache Kafka broker (kafka_2.13) and its runtime jars from Maven Central into
# .cache/kafka-<version>/libs. Idempotent: a finished install leaves a marker file.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kafka_dir="$REGUA_CACHE/kafka-$KAFKA_VERSION"
if [ -f "$kafka_dir/.installed" ]; then exit 0; fi

need java "Java 17 or later runs the Kafka broker"
need mvn "Maven resolves the Kafka jars from Maven Central"
say "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central into $kafka_dir"
rm -rf "$kafka_dir"
mvn -q -B -f "$REGUA_ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
  -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$kafka_dir/libs" \
  || die "Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (is Maven Central reachable?)"
touch "$kafka_dir/.installed"
