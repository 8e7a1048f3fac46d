package dev.crashcap.cli;

import dev.crashcap.agent.AgentOptions;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Defaults for the CLI options that are agent options too ({@code --url} is {@code url=}, {@code --max-mb} is
 * {@code max-mb=}, the bundle {@code <folder>} is {@code dir=}), from the agent's own configuration as
 * {@link AgentOptions} resolves it: {@code -Dcrashcap.<name>}, else {@code CRASHCAP_<NAME>}. The precedence is the
 * agent's: what the command line says, then that configuration, then the option's own default. So {@code crashcap
 * list} in a shell with {@code CRASHCAP_DIR} set looks where an agent started from that shell writes.
 */
final class ConfiguredDefaults implements IDefaultValueProvider {
    private final AgentOptions configuration;

    ConfiguredDefaults(AgentOptions configuration) {
        this.configuration = configuration;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        String name = agentOptionName(arg);
        String value = name == null ? null : configuration.value(name);
        if (value == null) return null;
        if (arg.type() == int.class || arg.type() == long.class) {
            if (!value.trim().matches("-?[0-9]{1,18}")) {
                // Said here, where it is known that the value came from the configuration, not the command line.
                throw new ParameterException(arg.command().commandLine(), "-D" + AgentOptions.propertyName(name)
                        + " or " + AgentOptions.environmentName(name) + " is not a whole number: " + value);
            }
            return value.trim();
        }
        // picocli expands ${…} in defaults; a token or a path is taken as written.
        return value.replace("${", "$${");
    }

    private static String agentOptionName(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            String name = option.longestName().replaceFirst("^--", "");
            return AgentOptions.KNOWN.contains(name) ? name : null;
        }
        return BundleFolderParameter.LABEL.equals(arg.paramLabel()) ? "dir" : null;
    }
}
