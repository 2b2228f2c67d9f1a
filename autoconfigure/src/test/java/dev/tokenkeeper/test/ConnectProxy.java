package dev.tokenkeeper.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy on loopback that tunnels {@code CONNECT} requests (the way Reactor Netty sends
 * every request through a proxy) and records what it was asked. WireMock's browser proxying
 * answers {@code CONNECT} with its own TLS, hence this.
 */
public final class ConnectProxy implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<Connect> connects = new CopyOnWriteArrayList<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	/** Start a proxy on a free loopback port. */
	public ConnectProxy() {
		try {
			this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.executor.execute(this::accept);
	}

	/**
	 * The port.
	 * @return the port
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * The {@code CONNECT} requests received so far.
	 * @return target and {@code Proxy-Authorization} of each
	 */
	public List<Connect> connects() {
		return List.copyOf(this.connects);
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket client = this.serverSocket.accept();
				this.sockets.add(client);
				this.executor.execute(() -> tunnel(client));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void tunnel(Socket client) {
		try {
			InputStream in = client.getInputStream();
			List<String> head = readHead(in);
			String[] requestLine = head.get(0).split(" ");
			String authorization = null;
			for (String line : head.subList(1, head.size())) {
				if (line.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
					authorization = line.substring(line.indexOf(':') + 1).trim();
				}
			}
			if (!requestLine[0].equals("CONNECT")) {
				client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
				client.close();
				return;
			}
			this.connects.add(new Connect(requestLine[1], authorization));
			String[] target = requestLine[1].split(":");
			Socket upstream = new Socket(target[0], Integer.parseInt(target[1]));
			this.sockets.add(upstream);
			client.getOutputStream()
				.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			this.executor.execute(() -> pipe(upstream, client));
			pipe(client, upstream);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(client);
		}
	}

	private static List<String> readHead(InputStream in) throws IOException {
		List<String> lines = new ArrayList<>();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		int b;
		while ((b = in.read()) != -1) {
			if (previous == '\r' && b == '\n') {
				String text = line.toString(StandardCharsets.US_ASCII);
				text = text.substring(0, text.length() - 1);
				if (text.isEmpty()) {
					return lines;
				}
				lines.add(text);
				line.reset();
			}
			else {
				line.write(b);
			}
			previous = b;
		}
		throw new IOException("Connection closed before the request head ended");
	}

	private static void pipe(Socket from, Socket to) {
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side closed: close both
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	@Override
	public void close() {
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.sockets.forEach(ConnectProxy::closeQuietly);
		this.executor.shutdownNow();
	}

	/**
	 * One {@code CONNECT} request.
	 *
	 * @param target {@code host:port}
	 * @param proxyAuthorization the {@code Proxy-Authorization} header, or {@code null}
	 */
	public record Connect(String target, String proxyAuthorization) {

	}

}
