package io.lakebeam.core.lake;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;
import org.apache.iceberg.jdbc.JdbcClientPool;

/**
 * The connection pool of a JDBC catalog whose connections never leave a catalog-metadata cursor
 * open.
 *
 * <p>Iceberg's {@code JdbcCatalog} checks for its tables with {@code DatabaseMetaData.getTables}
 * and {@code getColumns} and does not close those result sets. On SQLite an open cursor is an open
 * read transaction: its connection then holds the database's shared lock for as long as the catalog
 * lives, and every commit through another connection, in this process or another, waits for {@code
 * busy_timeout} and fails with {@code SQLITE_BUSY}. Here the metadata result sets are read into
 * memory and closed at once.
 *
 * <pre>{@code
 * JdbcCatalog catalog = new JdbcCatalog(null, p -> new JdbcCatalogPool(uri, p), true);
 * }</pre>
 */
final class JdbcCatalogPool extends JdbcClientPool {
  JdbcCatalogPool(String uri, Map<String, String> properties) {
    super(uri, properties);
  }

  @Override
  protected Connection newClient() {
    Connection connection = super.newClient();
    return proxy(
        Connection.class,
        (self, method, args) -> {
          Object result = invoke(connection, method, args);
          return result instanceof DatabaseMetaData meta ? closingCursors(meta) : result;
        });
  }

  private static DatabaseMetaData closingCursors(DatabaseMetaData meta) {
    return proxy(
        DatabaseMetaData.class,
        (self, method, args) -> {
          Object result = invoke(meta, method, args);
          return result instanceof ResultSet cursor ? inMemory(cursor) : result;
        });
  }

  private static ResultSet inMemory(ResultSet cursor) throws SQLException {
    try (cursor) {
      CachedRowSet rows = RowSetProvider.newFactory().createCachedRowSet();
      rows.populate(cursor);
      return rows;
    }
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            JdbcCatalogPool.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
