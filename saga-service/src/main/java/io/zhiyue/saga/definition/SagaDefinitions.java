package io.zhiyue.saga.definition;

import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.HashMap;
import java.util.Map;

/** Every saga definition the coordinator knows (CDI beans of type {@link SagaDefinition}), by name and version. */
@ApplicationScoped
public class SagaDefinitions {

    private final Map<String, SagaDefinition> latest = new HashMap<>();
    private final Map<String, SagaDefinition> byVersion = new HashMap<>();

    public SagaDefinitions(Instance<SagaDefinition> definitions) {
        for (SagaDefinition definition : definitions) {
            byVersion.put(definition.name() + "@" + definition.version(), definition);
            latest.merge(definition.name(), definition, (a, b) -> a.version() >= b.version() ? a : b);
        }
    }

    /** The newest version of {@code name}: what a new saga starts with. */
    public SagaDefinition latest(String name) {
        SagaDefinition definition = name == null ? null : latest.get(name);
        if (definition == null) {
            throw ZhiyueException.validation("definition", "is not a saga this service knows: " + latest.keySet());
        }
        return definition;
    }

    /** The version an instance started with (a saga finishes under the steps it began with). */
    public SagaDefinition version(String name, int version) {
        SagaDefinition definition = byVersion.get(name + "@" + version);
        if (definition == null) {
            throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "saga definition " + name + " version " + version
                    + " is no longer known to this service");
        }
        return definition;
    }
}
