package io.zhiyue.nativesources;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The project types Jackson meets when it reads or writes some root types: the roots and, through
 * record components and fields (type arguments and array elements included), every record and
 * class of the project they hold. Each such type needs reflection in a native image: Jackson finds a
 * record's constructor and accessors by reflection. Enums are left out: Jackson reads and writes them
 * by name ({@code Enum.valueOf}, {@code getEnumConstants}), which a native image answers without
 * registrations, and no enum of ours carries a Jackson annotation. Interfaces stand for their
 * permitted subclasses when sealed, else for nothing (Jackson writes the value's own class).
 *
 * @param reachedFrom every type found, with the root it was reached from (itself for a root)
 * @param absent      roots that are no class at all (a listed type renamed or removed)
 */
record ReachableTypes(Map<String, String> reachedFrom, Set<String> absent) {

    static ReachableTypes from(Collection<String> roots, ClassLoader loader, String projectPrefix) {
        Map<String, String> reachedFrom = new TreeMap<>();
        Set<String> absent = new TreeSet<>();
        for (String root : roots) {
            Class<?> type;
            try {
                type = Class.forName(root, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                absent.add(root);
                continue;
            }
            walk(type, root, projectPrefix, reachedFrom);
        }
        return new ReachableTypes(reachedFrom, absent);
    }

    Set<String> types() {
        return reachedFrom.keySet();
    }

    private static void walk(Type start, String root, String prefix, Map<String, String> reachedFrom) {
        Deque<Type> pending = new ArrayDeque<>();
        Set<Type> seen = new HashSet<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            Type type = pending.pop();
            if (!seen.add(type)) {
                continue;
            }
            switch (type) {
                case Class<?> c when c.isArray() -> pending.push(c.getComponentType());
                case Class<?> c when c.getName().startsWith(prefix) && !c.isEnum() -> {
                    if (c.isInterface()) {
                        if (c.isSealed()) {
                            pending.addAll(List.of(c.getPermittedSubclasses()));
                        }
                    } else {
                        reachedFrom.putIfAbsent(c.getName(), root);
                        pending.addAll(heldTypes(c, prefix));
                    }
                }
                case Class<?> ignored -> {
                    // JDK, Jackson (JsonNode) and other libraries' types, and our enums
                }
                case ParameterizedType parameterized -> {
                    pending.push(parameterized.getRawType());
                    pending.addAll(List.of(parameterized.getActualTypeArguments()));
                }
                case GenericArrayType array -> pending.push(array.getGenericComponentType());
                case WildcardType wildcard -> pending.addAll(List.of(wildcard.getUpperBounds()));
                case TypeVariable<?> variable -> pending.addAll(List.of(variable.getBounds()));
                default -> throw new IllegalStateException("unexpected type " + type);
            }
        }
    }

    /** A record's component types; a class's instance field types, its project superclasses' included. */
    private static List<Type> heldTypes(Class<?> type, String prefix) {
        List<Type> held = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                held.add(component.getGenericType());
            }
            return held;
        }
        for (Class<?> c = type; c != null && c.getName().startsWith(prefix); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isTransient(field.getModifiers())) {
                    held.add(field.getGenericType());
                }
            }
        }
        return held;
    }
}
