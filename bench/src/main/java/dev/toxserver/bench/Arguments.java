package dev.toxserver.bench;

import dev.toxserver.cli.UsageError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A benchmark's command line: flags and options with a value (repeatable), in any order. Anything
 * else, a missing value or a bad number is a {@link UsageError}.
 */
public final class Arguments {
  private final Set<String> flags = new HashSet<>();
  private final Map<String, List<String>> values = new HashMap<>();
  private boolean help;

  private Arguments() {}

  /**
   * What a program makes of its command line, through {@code settings}. {@code -h}/{@code --help}
   * prints {@code usage} and exits with 0; a {@link UsageError} prints "PROGRAM: error" and the
   * usage to stderr and exits with 2.
   */
  public static <S> S readOrExit(
      String program,
      String usage,
      String[] args,
      Set<String> flags,
      Set<String> valued,
      Function<Arguments, S> settings) {
    try {
      Arguments arguments = parse(args, flags, valued);
      if (arguments.help) {
        System.out.print(usage);
        System.exit(0);
      }
      return settings.apply(arguments);
    } catch (UsageError e) {
      System.err.println(program + ": " + e.getMessage());
      System.err.print(usage);
      System.exit(2);
      throw e; // not reached
    }
  }

  /** Reads {@code args}: {@code flags} stand alone, {@code valued} options take the next word. */
  public static Arguments parse(String[] args, Set<String> flags, Set<String> valued) {
    Arguments a = new Arguments();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        a.help = true;
      } else if (flags.contains(arg)) {
        a.flags.add(arg);
      } else if (valued.contains(arg)) {
        if (++i >= args.length) {
          throw new UsageError(arg + " needs a value");
        }
        a.values.computeIfAbsent(arg, k -> new ArrayList<>()).add(args[i]);
      } else {
        throw new UsageError("unknown option " + arg);
      }
    }
    return a;
  }

  public boolean help() {
    return help;
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  /** The option's value, the last one given where it was given more than once. */
  public Optional<String> value(String name) {
    List<String> all = values(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Every value given for a repeatable option, in order. */
  public List<String> values(String name) {
    return List.copyOf(values.getOrDefault(name, List.of()));
  }

  /** The option's value as a whole number, or {@code fallback} when it was not given. */
  public long number(String name, long fallback) {
    Optional<String> v = value(name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.get());
    } catch (NumberFormatException e) {
      throw new UsageError(name + " needs a number, not '" + v.get() + "'");
    }
  }

  /** The same, for an int. */
  public int intNumber(String name, int fallback) {
    long n = number(name, fallback);
    if (n != (int) n) {
      throw new UsageError(name + " is too large: " + n);
    }
    return (int) n;
  }

  /** A check of the settings: a {@link UsageError} with {@code message} when it fails. */
  public static void require(boolean ok, String message) {
    if (!ok) {
      throw new UsageError(message);
    }
  }
}
