package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A port as Kubernetes names it (a number or a container port's name), resolved against a pod's containers. */
final class Ports {

    private Ports() {
    }

    /** The container port number a port reference means in this pod, if any container has it. */
    static OptionalInt resolve(IntOrString port, PodSpec pod) {
        if (port == null) {
            return OptionalInt.empty();
        }
        for (Container container : pod.getContainers()) {
            Optional<Integer> found = resolve(port, container);
            if (found.isPresent()) {
                return OptionalInt.of(found.get());
            }
        }
        return OptionalInt.empty();
    }

    static Optional<Integer> resolve(IntOrString port, Container container) {
        List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
        for (ContainerPort containerPort : ports) {
            if (port.getIntVal() != null && port.getIntVal().equals(containerPort.getContainerPort())) {
                return Optional.of(containerPort.getContainerPort());
            }
            if (port.getStrVal() != null && port.getStrVal().equals(containerPort.getName())) {
                return Optional.of(containerPort.getContainerPort());
            }
        }
        return Optional.empty();
    }

    static String describe(IntOrString port) {
        return port == null ? "(none)" : port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
    }
}
