package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** Random nested JSON and random edits of it, for property-style tests driven by a seed. */
final class RandomJson {

    static final int MAX_DEPTH = 5;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // keys a JSON Pointer must escape, the empty key, digits that look like array indices, CJK and emoji
    private static final String[] KEYS = {"a", "b", "name", "score", "", "a/b", "m~n", "~1", "/", "0", "1", "-",
        "答案", "得分", "😀", "key with space", "\"quoted\"", "tab\t"};
    private static final String[] TEXT = {"", "x", "hello", "null", "true", "0", "学生的答案是正确的", "emoji 😀🎉",
        "line\nbreak", "back\\slash", "\u0000nul", "é", "𝄞 surrogate pair", "\"", "/~"};

    private final Random random;

    RandomJson(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    JsonNode tree() {
        return random.nextInt(4) == 0 ? node(0) : container(0);
    }

    JsonNode node(int depth) {
        if (depth >= MAX_DEPTH || random.nextInt(3) > 0) {
            return leaf();
        }
        return container(depth);
    }

    JsonNode container(int depth) {
        int size = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(7);
        if (random.nextBoolean()) {
            ObjectNode object = NODES.objectNode();
            for (int i = 0; i < size; i++) {
                object.set(key(), node(depth + 1));
            }
            return object;
        }
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < size; i++) {
            // repeated elements are where an array diff goes wrong
            array.add(random.nextInt(4) == 0 && !array.isEmpty() ? array.get(random.nextInt(array.size())).deepCopy()
                    : node(depth + 1));
        }
        return array;
    }

    JsonNode leaf() {
        return switch (random.nextInt(11)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt(21) - 10);
            case 3 -> NODES.numberNode(random.nextLong());
            case 4 -> NODES.numberNode(new BigInteger(100, random).negate());
            case 5 -> NODES.numberNode(new BigDecimal(new BigInteger(80, random), random.nextInt(30) - 5));
            case 6 -> NODES.numberNode(new BigDecimal("12345678901234567890.123"));
            case 7 -> NODES.numberNode(random.nextDouble() * 1000);
            case 8 -> NODES.textNode(TEXT[random.nextInt(TEXT.length)]);
            case 9 -> NODES.textNode(randomText());
            default -> NODES.textNode("s" + random.nextInt(5));
        };
    }

    /** A copy of {@code state} with a few small edits, or (sometimes) many, or a different tree altogether. */
    JsonNode mutate(JsonNode state) {
        int roll = random.nextInt(20);
        if (roll == 0) {
            return tree();
        }
        JsonNode copy = state.deepCopy();
        int edits = roll < 15 ? 1 + random.nextInt(3) : 10 + random.nextInt(30);
        for (int i = 0; i < edits; i++) {
            copy = edit(copy);
        }
        return copy;
    }

    private JsonNode edit(JsonNode root) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        if (containers.isEmpty() || random.nextInt(30) == 0) {
            return node(0);
        }
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object) {
            editObject(object);
        } else {
            editArray((ArrayNode) target);
        }
        return root;
    }

    private void editObject(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        int op = names.isEmpty() ? 0 : random.nextInt(5);
        switch (op) {
            case 0 -> object.set(key() + random.nextInt(3), node(2));
            case 1 -> object.remove(names.get(random.nextInt(names.size())));
            case 2 -> object.set(names.get(random.nextInt(names.size())), leaf());
            case 3 -> object.set(names.get(random.nextInt(names.size())), NODES.nullNode());
            default -> object.set(names.get(random.nextInt(names.size())), container(3));
        }
    }

    private void editArray(ArrayNode array) {
        int op = array.isEmpty() ? 0 : random.nextInt(7);
        switch (op) {
            case 0 -> array.insert(array.isEmpty() ? 0 : random.nextInt(array.size() + 1), node(3));
            case 1 -> array.remove(random.nextInt(array.size()));
            case 2 -> array.set(random.nextInt(array.size()), leaf());
            case 3 -> {
                // move one element elsewhere
                JsonNode moved = array.remove(random.nextInt(array.size()));
                array.insert(random.nextInt(array.size() + 1), moved);
            }
            case 4 -> {
                // reverse: every element changes place
                List<JsonNode> items = new ArrayList<>();
                array.elements().forEachRemaining(items::add);
                array.removeAll();
                for (int i = items.size() - 1; i >= 0; i--) {
                    array.add(items.get(i));
                }
            }
            case 5 -> array.add(array.get(random.nextInt(array.size())).deepCopy());
            default -> {
                int from = random.nextInt(array.size());
                int count = 1 + random.nextInt(array.size() - from);
                for (int i = 0; i < count; i++) {
                    array.remove(from);
                }
            }
        }
    }

    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collectContainers(it.next(), out);
            }
        }
    }

    private String key() {
        return random.nextInt(3) == 0 ? randomText() : KEYS[random.nextInt(KEYS.length)];
    }

    private String randomText() {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(4)) {
                case 0 -> text.append((char) ('a' + random.nextInt(26)));
                case 1 -> text.append((char) (0x4e00 + random.nextInt(0x5000)));
                case 2 -> text.appendCodePoint(0x1F600 + random.nextInt(0x50));
                default -> text.append("/~\"\\ \t".charAt(random.nextInt(6)));
            }
        }
        return text.toString();
    }
}
