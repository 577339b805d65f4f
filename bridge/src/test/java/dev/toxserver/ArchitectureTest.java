package dev.toxserver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.regex.Pattern;

/**
 * The layering of the three Java modules, checked on the main classes of all of them (this module
 * depends on the other two, so it sees everything):
 *
 * <pre>
 *   client kit   dev.toxserver.{protocol, transport, text, client, keys, cli}
 *   server       dev.toxserver.{server, process, auth, servercli}      uses the client kit
 *   bridge       dev.toxserver.{bridge, schedule, rpc, watch, local}   uses the client kit;
 *                                                                      only local uses the server
 * </pre>
 */
@AnalyzeClasses(
    packages = "dev.toxserver",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
  /** The server's test support reaches the bridge as a test jar, which DoNotIncludeTests keeps. */
  static final class NoTestJars implements ImportOption {
    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");

    @Override
    public boolean includes(Location location) {
      return !location.matches(TEST_JAR);
    }
  }

  private static final String[] CLIENT_KIT = {
    "dev.toxserver.protocol..",
    "dev.toxserver.transport..",
    "dev.toxserver.client..",
    "dev.toxserver.keys..",
    "dev.toxserver.text..",
    "dev.toxserver.cli.."
  };
  private static final String[] SERVER = {
    "dev.toxserver.server..",
    "dev.toxserver.process..",
    "dev.toxserver.auth..",
    "dev.toxserver.servercli.."
  };
  private static final String[] BRIDGE = {
    "dev.toxserver.bridge..",
    "dev.toxserver.schedule..",
    "dev.toxserver.rpc..",
    "dev.toxserver.watch..",
    "dev.toxserver.local.."
  };

  @ArchTest
  static final ArchRule onlyTheEmbeddedServerUsesTheServerModule =
      noClasses()
          .that()
          .resideInAnyPackage(BRIDGE)
          .and()
          .resideOutsideOfPackage("dev.toxserver.local..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(SERVER)
          .because(
              "the bridge talks to servers over the protocol; only --local (dev.toxserver.local)"
                  + " embeds one");

  @ArchTest
  static final ArchRule theClientKitDependsOnNeitherProgram =
      noClasses()
          .that()
          .resideInAnyPackage(CLIENT_KIT)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(concat(SERVER, BRIDGE))
          .because("every client, and the server's own CLI, builds on the client kit");

  @ArchTest
  static final ArchRule theServerKnowsNothingOfTheBridge =
      noClasses()
          .that()
          .resideInAnyPackage(SERVER)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(BRIDGE);

  @ArchTest
  static final ArchRule theEditorSessionDoesNotUseTheCommandLine =
      noClasses()
          .that()
          .resideInAPackage("dev.toxserver.rpc..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.toxserver.cli..", "dev.toxserver.bridge..")
          .because("bridge stdio's session is an API for editors, not a terminal program");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.toxserver.(*)..").should().beFreeOfCycles();

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
