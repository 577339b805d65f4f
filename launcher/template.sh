#!/bin/sh
# @NAME@ launcher: runs the jar that 'mvn package' builds, on the java in JAVA_HOME or on PATH;
# a java older than 17 is refused with a message naming it.
# Generated from launcher/template.sh by launcher/generate: edit those, not this file.
#
# Start-up matters (a run is asked for many times a day): the first start records a start-up
# archive next to the jar (a second or two, once per jar and JVM) that later runs map instead of
# loading classes: an AOT cache on JDK 25+, a class-data-sharing archive before. Long-running
# commands (@LONG_RUNNING@) start at once and record it in the background for next time. Short
# commands get the C1-only JIT, long-running ones the full JIT and a heap that shrinks after a
# burst. Started by its absolute path (as the VS Code extension and tox-server-start do), the
# common path of this script starts no process but java: each fork (a link to follow, a relative
# path to resolve) costs about a millisecond.
# @ENV@_JAVA_OPTS adds JVM options; @ENV@_CDS=0 turns the archive off; @ENV@_JAR picks the jar.
set -eu

self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac
done
case $self in */*) bin=${self%/*} ;; *) bin=. ;; esac
# The paths java is given, and the archive file below remembers, are absolute and the same from
# any directory.
case $bin in
  /*) home=$bin/.. ;;
  *) home=$(cd -P "$bin/.." && pwd) ;;
esac
jar=${@ENV@_JAR:-$home/target/@JAR@}
if [ ! -f "$jar" ]; then
  echo "@NAME@: $jar is missing. Build it first: (cd '$home/..' && mvn -q package -DskipTests)" >&2
  exit 1
fi
case $jar in */*) target=${jar%/*} ;; *) target=. ;; esac

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java=$JAVA_HOME/bin/java
elif command -v java >/dev/null 2>&1; then
  java=java
else
  echo "@NAME@ needs Java 17 or newer, and there is no java on PATH or in JAVA_HOME: install one or set JAVA_HOME" >&2
  exit 1
fi

opts="-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
long_running=false
for arg in "$@"; do
  case $arg in
    @LONG_RUNNING@)
      opts="-XX:+UseSerialGC -Xss512k -XX:-UsePerfData -Xms8m -XX:MaxHeapFreeRatio=40 -XX:MinHeapFreeRatio=10"
      long_running=true
      break
      ;;
  esac
done
props=""
@bridge@# Colour the summary line only when stderr is a terminal (Java cannot tell by itself).
@bridge@if [ -t 2 ]; then tty=true; else tty=false; fi
@bridge@props=-Dbridge.stderrIsTerminal=$tty

# Which archive belongs to this java is remembered per (java, PATH) in a small file, so that
# finding it needs no extra process. A java is written there only after it passed the version
# check below, which therefore runs only when no archive is known.
known=$target/@NAME@-archives.txt
key="$java:${PATH:-}"
archive=""
if [ "${@ENV@_CDS:-1}" != 0 ] && [ -f "$known" ]; then
  while IFS='	' read -r k a; do
    if [ "$k" = "$key" ]; then archive=$a; fi
  done <"$known"
fi
if [ -z "$archive" ] || [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ]; then
  real_java=$(command -v "$java")
  real_java=$(readlink -f "$real_java" 2>/dev/null || printf '%s' "$real_java")
  # The Java version: from the JDK's release file, which needs no process; else from java itself.
  version=""
  release=${real_java%/bin/java}/release
  if [ -f "$release" ]; then
    while IFS= read -r line; do
      case $line in JAVA_VERSION=*) version=${line#JAVA_VERSION=} ;; esac
    done <"$release"
  else
    version=$("$java" -version 2>&1 </dev/null || true)
    case $version in *' version "'*) version=${version#*' version '} ;; *) version="" ;; esac
  fi
  version=${version#\"}
  version=${version%%\"*}
  case $version in 1.*) version=${version#1.} ;; esac # 1.8.0_392 is Java 8
  feature=${version%%[!0-9]*}
  if [ -n "$feature" ] && [ "$feature" -lt 17 ]; then
    echo "@NAME@ needs Java 17 or newer; found $feature at $real_java; set JAVA_HOME to a Java 17 or newer installation" >&2
    exit 1
  fi

  archive=""
  if [ "${@ENV@_CDS:-1}" != 0 ]; then
    # One archive per jar and per JVM: an archive only works with the JVM that wrote it.
    jvm_id=$(printf '%s' "$real_java" | cksum | cut -d' ' -f1)
    if [ "${feature:-0}" -ge 25 ]; then
      archive=$target/@NAME@-$jvm_id.aot
      tmp=$target/@NAME@-$jvm_id.$$.tmp.aot
      record="-XX:AOTCacheOutput=$tmp"
    else
      archive=$target/@NAME@-$jvm_id.jsa
      tmp=$archive.$$.tmp
      record="-XX:ArchiveClassesAtExit=$tmp -Xshare:auto"
    fi
    remember() {
      if [ -f "$archive" ]; then
        printf '%s\t%s\n' "$key" "$archive" >>"$known" 2>/dev/null || true
      fi
    }
    train() {
      # shellcheck disable=SC2086 # the option lists are meant to split into words
      if "$java" $record $opts -cp "$jar" @TRAINING@ \
          >/dev/null 2>&1 </dev/null && [ -f "$tmp" ]; then
        mv -f "$tmp" "$archive" 2>/dev/null || rm -f "$tmp"
      else
        rm -f "$tmp"
      fi
      remember
    }
    if [ -f "$archive" ] && [ ! "$jar" -nt "$archive" ]; then
      remember
    elif [ -w "$target" ]; then
      if $long_running; then
        # An editor waits for 'stdio' to answer, a start-up hook for 'serve', and a fresh install
        # would wait seconds for the recording: start now, record in the background.
        (train &) >/dev/null 2>&1 </dev/null
        archive=""
      else
        train
      fi
    fi
    # else: an installed jar the user cannot write beside; recording would fail at every start.
  fi
fi
cds=""
case $archive in
  *.aot) [ -f "$archive" ] && cds="-XX:AOTCache=$archive -Xlog:aot=off -Xlog:cds=off" ;;
  *.jsa) [ -f "$archive" ] && cds="-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off" ;;
esac

# shellcheck disable=SC2086 # the option lists are meant to split into words
exec "$java" $opts $cds $props ${@ENV@_JAVA_OPTS:-} -cp "$jar" @MAIN@ "$@"
