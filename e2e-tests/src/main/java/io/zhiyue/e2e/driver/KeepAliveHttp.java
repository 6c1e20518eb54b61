package io.zhiyue.e2e.driver;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection to one URL that sends a GET (or a POST of a JSON body) again and again and
 * reads each answer to its end (Content-Length or chunked). The read benchmarks use it instead of
 * {@code java.net.http.HttpClient}, whose own CPU per request on this two-core machine capped the figures below
 * what the services answer: the bench shares the cores with the services it measures, so the lighter the caller,
 * the more the figures say about the service.
 */
final class KeepAliveHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    /** The request line after its method, and the headers, up to (not including) the blank line that ends them. */
    private final String head;
    private final byte[] get;
    /** The body of the last answer, when asked to keep it. */
    private byte[] body = new byte[0];

    /** @param headers extra request headers, as name and value pairs (a tenant, a bearer token) */
    KeepAliveHttp(URI uri, String... headers) throws IOException {
        socket = new Socket();
        try {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setTcpNoDelay(true);
            // a service that stops answering fails the request instead of hanging the bench
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder lines = new StringBuilder(" " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
                + uri.getPort() + "\r\nAccept: application/json\r\n");
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come as name and value pairs");
        }
        for (int i = 0; i < headers.length; i += 2) {
            lines.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head = lines.toString();
        get = ("GET" + head + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the GET and reads the whole answer (its body is not kept); its status. */
    int send() throws IOException {
        out.write(get);
        out.flush();
        return answer(false);
    }

    /** POSTs the JSON and reads the whole answer, keeping its body ({@link #body()}); its status. */
    int post(String json) throws IOException {
        byte[] content = json.getBytes(StandardCharsets.UTF_8);
        byte[] lines = ("POST" + head + "Content-Type: application/json\r\nContent-Length: " + content.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        // one write, one segment
        byte[] request = Arrays.copyOf(lines, lines.length + content.length);
        System.arraycopy(content, 0, request, lines.length, content.length);
        out.write(request);
        out.flush();
        return answer(true);
    }

    /** The body of the last answer to {@link #post}, as UTF-8 text. */
    String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private int answer(boolean keep) throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                read(size, kept);
                line();
            }
            // trailers, then the blank line
            while (!line().isEmpty()) {
                // nothing to keep
            }
        } else if (length > 0) {
            read(length, kept);
        }
        body = kept == null ? new byte[0] : kept.toByteArray();
        if (close) {
            throw new IOException("the server closed the connection");
        }
        return code;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended mid-answer");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Reads {@code bytes} of the body into {@code kept}, or past them when it is null. */
    private void read(long bytes, ByteArrayOutputStream kept) throws IOException {
        if (kept != null) {
            byte[] content = in.readNBytes((int) bytes);
            if (content.length < bytes) {
                throw new IOException("the connection ended mid-body");
            }
            kept.write(content);
            return;
        }
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the connection ended mid-body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
