// DynamoDB Local bound to 127.0.0.1 only. The jar has no bind-address option: its Jetty server is built with
// `new Server(port)`, whose connector listens on every interface. This launcher builds the server exactly as the
// jar's own main does (same command line), points the connector at the loopback address, then starts it.
// Run by local/dynamodb-local.ts in Java's source-file mode (`java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java …`).
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) return; // -help or -version
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
    proxy.join();
  }
}
