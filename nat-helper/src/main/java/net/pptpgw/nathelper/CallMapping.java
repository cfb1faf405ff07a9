package net.pptpgw.nathelper;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One call through the gateway: (client address, server address, client call ID, gateway call
 * ID, server call ID).
 *
 * <p>The client chose its call ID; the server knows the call only by the gateway call ID that
 * replaced it; the server's own call ID (from its Outgoing-Call-Reply, or the Incoming-Call-Request
 * the client answered) is what LAN-to-WAN GRE carries in its key and is passed unchanged, since
 * the server keeps those unique itself. Created by {@link MappingTable#open}.
 */
public final class CallMapping {

    /** {@link #serverCallId()} before the server has told its call ID. */
    public static final int UNKNOWN = -1;

    private final Inet4Address client;
    private final int clientAddress;
    private final Inet4Address server;
    private final int serverAddress;
    private final int clientCallId;
    private final int gatewayCallId;
    private final Key key;
    /** Built once: the GRE relay sends every packet of the call to one of these (port 0: raw sockets have none). */
    private final InetSocketAddress clientSocketAddress;
    private final InetSocketAddress serverSocketAddress;
    private volatile int serverCallId = UNKNOWN;
    /** GRE has gone from client to server / server to client (the kernel's "replied" state needs both). */
    private volatile boolean sentByClient;
    private volatile boolean sentByServer;
    /** Off the forwarding table: expired or closed. */
    private volatile boolean unpublished;
    /** Ended on the control connection; the gateway call ID went to quarantine. */
    private volatile boolean closed;
    /** Data-plane thread only: when GRE last refreshed the idle timer. */
    long lastRefreshNanos;

    CallMapping(Inet4Address client, Inet4Address server, int clientCallId, int gatewayCallId) {
        this.client = Objects.requireNonNull(client, "client");
        this.server = Objects.requireNonNull(server, "server");
        this.clientAddress = Addresses.toInt(client);
        this.serverAddress = Addresses.toInt(server);
        this.clientCallId = clientCallId;
        this.gatewayCallId = gatewayCallId;
        this.key = new Key(serverAddress, gatewayCallId);
        this.clientSocketAddress = new InetSocketAddress(client, 0);
        this.serverSocketAddress = new InetSocketAddress(server, 0);
    }

    /** The cache key: the gateway call ID is unique per server address. Built once, so lookups allocate nothing. */
    record Key(int serverAddress, int gatewayCallId) {}

    public Inet4Address client() {
        return client;
    }

    public int clientAddress() {
        return clientAddress;
    }

    public Inet4Address server() {
        return server;
    }

    public int serverAddress() {
        return serverAddress;
    }

    public int clientCallId() {
        return clientCallId;
    }

    public int gatewayCallId() {
        return gatewayCallId;
    }

    /** The server's call ID, or {@link #UNKNOWN} until its reply. */
    public int serverCallId() {
        return serverCallId;
    }

    void serverCallId(int serverCallId) {
        this.serverCallId = serverCallId;
    }

    /** The client as a raw socket's destination, without allocating per packet. */
    public InetSocketAddress clientSocketAddress() {
        return clientSocketAddress;
    }

    /** The server as a raw socket's destination, without allocating per packet. */
    public InetSocketAddress serverSocketAddress() {
        return serverSocketAddress;
    }

    Key key() {
        return key;
    }

    /** GRE has gone both ways: the idle lifetime is the long (stream) one. */
    public boolean established() {
        return sentByClient && sentByServer;
    }

    void greSeen(Direction direction) {
        if (direction == Direction.LAN_TO_WAN) {
            if (!sentByClient) {
                sentByClient = true;
            }
        } else if (!sentByServer) {
            sentByServer = true;
        }
    }

    boolean unpublished() {
        return unpublished;
    }

    void markUnpublished() {
        unpublished = true;
    }

    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public String toString() {
        return "client " + client.getHostAddress() + " call ID " + clientCallId
                + " <-> gateway call ID " + gatewayCallId
                + " <-> server " + server.getHostAddress() + " call ID "
                + (serverCallId == UNKNOWN ? "?" : Integer.toString(serverCallId));
    }
}
