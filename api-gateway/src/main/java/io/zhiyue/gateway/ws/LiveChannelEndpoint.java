package io.zhiyue.gateway.ws;

import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.quarkus.websockets.next.HandshakeRequest;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.security.Identity;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code /ws}: clients SUBSCRIBE to a channel (see {@link Channels}; optionally with lastEventId),
 * UNSUBSCRIBE, and PING (answered with {@code {"type":"PONG"}}). A bad message is answered with an
 * ERROR message; it never closes the connection. Inbound messages are capped by
 * {@code quarkus.websockets-next.server.max-message-size}; a user holds a bounded number of connections;
 * the server pings every heartbeat interval and closes a connection it hears nothing from.
 */
@WebSocket(path = "/ws")
public class LiveChannelEndpoint {

    /** RFC 6455 1008: the connection carries no verified caller. */
    private static final int POLICY_VIOLATION = 1008;
    /** RFC 6455 1013 "try again later": the client may reconnect and resume. */
    private static final int TRY_AGAIN_LATER = 1013;

    private final ChannelHub hub;
    private final SubscriptionService subscriptions;
    private final int maxSubscriptions;
    private final int maxConnectionsPerUser;

    LiveChannelEndpoint(ChannelHub hub, SubscriptionService subscriptions,
            GatewayConfig config) {
        this.hub = hub;
        this.subscriptions = subscriptions;
        this.maxSubscriptions = config.maxSubscriptionsPerConnection();
        this.maxConnectionsPerUser = config.maxConnectionsPerUser();
    }

    /** The upgrade was authenticated before it reached here (security BearerAuthentication); its caller rides along. */
    @OnOpen
    public void onOpen(WebSocketConnection connection) {
        HandshakeRequest handshake = connection.handshakeRequest();
        Optional<Identity> identity = Identity.fromHeaders(handshake.header(TenantHeaders.TENANT),
                handshake.header(TenantHeaders.SUBJECT), handshake.header(TenantHeaders.ROLES));
        if (identity.isEmpty()) {
            connection.close(new CloseReason(POLICY_VIOLATION, "not authenticated")).subscribe().with(ignored -> {
            }, failure -> Log.debugf("closing %s failed: %s", connection.id(), failure.toString()));
            return;
        }
        if (hub.open(connection.id(), identity.get(), transport(connection)).isEmpty()) {
            connection.close(new CloseReason(POLICY_VIOLATION, "at most " + maxConnectionsPerUser
                    + " live connections per user")).subscribe().with(ignored -> {
                    }, failure -> Log.debugf("closing %s failed: %s", connection.id(), failure.toString()));
        }
    }

    /** The client answered the server's ping: alive, even if it has nothing to say. */
    @OnPongMessage
    @NonBlocking
    public void onPong(Buffer data, WebSocketConnection connection) {
        hub.session(connection.id()).ifPresent(LiveSession::heard);
    }

    /** Non-blocking: a SUBSCRIBE storm (or a resume reading history) must not tie up threads waiting. */
    @OnTextMessage
    public Uni<Void> onMessage(String text, WebSocketConnection connection) {
        LiveSession session = hub.session(connection.id()).orElse(null);
        if (session == null || session.isClosed()) {
            return Uni.createFrom().voidItem();
        }
        session.heard();
        ClientCommand command;
        try {
            command = ClientCommand.parse(text);
        } catch (ClientCommand.InvalidCommand e) {
            reply(session, ServerMessages.error(ErrorCode.VALIDATION_ERROR.name(), e.getMessage(), e.channel()));
            return Uni.createFrom().voidItem();
        }
        return switch (command.type()) {
            case PING -> {
                reply(session, ServerMessages.pong());
                yield Uni.createFrom().voidItem();
            }
            case UNSUBSCRIBE -> {
                hub.unregister(session, command.channel());
                yield Uni.createFrom().voidItem();
            }
            case SUBSCRIBE -> subscribe(session, command);
        };
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        hub.close(connection.id());
    }

    @OnError
    public void onError(WebSocketConnection connection, Throwable failure) {
        Log.debugf("live connection %s failed: %s", connection.id(), failure.toString());
    }

    /** Every SUBSCRIBE is answered: confirmed, or refused with a reason. */
    private Uni<Void> subscribe(LiveSession session, ClientCommand command) {
        Optional<String> refusal = Channels.refusal(session.identity(), command.channel());
        if (refusal.isPresent()) {
            reply(session, ServerMessages.error(ErrorCode.AUTHORIZATION_ERROR.name(), refusal.get(), command.channel()));
            return Uni.createFrom().voidItem();
        }
        if (!session.subscriptions().containsKey(command.channel())
                && hub.subscriptionCount(session) >= maxSubscriptions) {
            reply(session, ServerMessages.error(ErrorCode.VALIDATION_ERROR.name(),
                    "at most " + maxSubscriptions + " subscriptions per connection", command.channel()));
            return Uni.createFrom().voidItem();
        }
        Uni<Void> subscribed = command.lastEventId().isPresent()
                ? subscriptions.resume(session, command.channel(), command.lastEventId().get())
                : subscriptions.subscribe(session, command.channel());
        return subscribed.onFailure().recoverWithItem(e -> {
            // the subscription that failed has removed itself (a newer one for the channel stays)
            Log.warnf("subscribing %s to %s failed: %s", session.id(), command.channel(), e.toString());
            reply(session, ServerMessages.error(ErrorCode.DEPENDENCY_UNAVAILABLE.name(),
                    "could not subscribe right now, try again shortly", command.channel()));
            return null;
        });
    }

    private static void reply(LiveSession session, String text) {
        session.send(OutboundMessage.essential(null, text));
    }

    private static ConnectionOutbox.Transport transport(WebSocketConnection connection) {
        return new ConnectionOutbox.Transport() {
            @Override
            public CompletionStage<?> send(String text) {
                return connection.sendText(text).subscribeAsCompletionStage();
            }

            @Override
            public void close(String reason) {
                if (connection.isOpen()) {
                    connection.close(new CloseReason(TRY_AGAIN_LATER, reason)).subscribe().with(
                            ignored -> {
                            },
                            failure -> Log.debugf("closing %s failed: %s", connection.id(), failure.toString()));
                }
            }
        };
    }
}
