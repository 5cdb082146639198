package io.tributary.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Access as code ({@code access.yaml}): the users, service accounts, groups, roles and grants the
 * platform should hold. Parsed strictly: unknown keys, duplicate names and malformed grants are
 * refused naming the key and value.
 *
 * <pre>
 * users: [{name: ana, password: "..."}]        # password optional (tokens only)
 * service-accounts: [{name: loader}]
 * groups: [{name: analysts, members: [ana]}]
 * roles: [{name: readers, members: [group:analysts]}]
 * grants: [{principal: role:readers, privilege: read, resource: namespace:raw}]
 * </pre>
 */
public record AccessSpec(
    List<UserSpec> users,
    List<UserSpec> serviceAccounts,
    List<GroupSpec> groups,
    List<RoleSpec> roles,
    List<Grant> grants) {

  /** A user of the file; no password means tokens only. */
  public record UserSpec(String name, Optional<String> password) {
    public UserSpec {
      Principal.requireName("user", name);
      Objects.requireNonNull(password, "password is null");
      password.ifPresent(StoredPassword::requireAcceptable);
    }

    @Override
    public String toString() {
      return "UserSpec[" + name + "]";
    }
  }

  /** A group and its members (user names). */
  public record GroupSpec(String name, Set<String> members) {
    public GroupSpec {
      Principal.requireName("group", name);
      members = Set.copyOf(members);
      members.forEach(member -> Principal.requireName("user", member));
    }
  }

  /** A role and its members (users and groups). */
  public record RoleSpec(String name, Set<Principal> members) {
    public RoleSpec {
      Principal.requireName("role", name);
      members = Set.copyOf(members);
      for (Principal member : members) {
        if (member.kind() == Principal.Kind.ROLE) {
          throw new InvalidInputException(
              ErrorCode.INVALID_ACCESS,
              "Invalid member " + member + " of role " + name + ": roles hold users and groups");
        }
      }
    }
  }

  public AccessSpec {
    users = List.copyOf(users);
    serviceAccounts = List.copyOf(serviceAccounts);
    groups = List.copyOf(groups);
    roles = List.copyOf(roles);
    grants = List.copyOf(grants);
    Set<String> names = new HashSet<>();
    for (UserSpec user : concat(users, serviceAccounts)) {
      if (!names.add(user.name())) {
        throw duplicate("user", user.name());
      }
    }
    Set<String> groupNames = new HashSet<>();
    groups.forEach(
        group -> {
          if (!groupNames.add(group.name())) {
            throw duplicate("group", group.name());
          }
        });
    Set<String> roleNames = new HashSet<>();
    roles.forEach(
        role -> {
          if (!roleNames.add(role.name())) {
            throw duplicate("role", role.name());
          }
        });
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static InvalidInputException duplicate(String kind, String name) {
    return new InvalidInputException(
        ErrorCode.INVALID_ACCESS, "Duplicate " + kind + " '" + name + "' in the access file");
  }

  /** Every user of the file, people and service accounts. */
  public List<UserSpec> allUsers() {
    return concat(users, serviceAccounts);
  }

  private record FileUser(String name, String password) {}

  private record FileGroup(String name, List<String> members) {}

  private record FileGrant(String principal, String privilege, String resource) {}

  private record FileSpec(
      List<FileUser> users,
      @JsonProperty("service-accounts") List<FileUser> serviceAccounts,
      List<FileGroup> groups,
      List<FileGroup> roles,
      List<FileGrant> grants) {}

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Parses the YAML (or JSON) text of an access file. */
  public static AccessSpec parse(String text) {
    FileSpec file;
    try {
      file = text.isBlank() ? null : YAML.readValue(text, FileSpec.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS,
          "Unknown key '"
              + e.getPropertyName()
              + "' in the access file; known keys: "
              + e.getKnownPropertyIds(),
          e);
    } catch (JacksonException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_ACCESS, "Malformed access file: " + e.getOriginalMessage(), e);
    }
    if (file == null) {
      return new AccessSpec(List.of(), List.of(), List.of(), List.of(), List.of());
    }
    return new AccessSpec(
        users(file.users()),
        users(file.serviceAccounts()),
        orEmpty(file.groups()).stream()
            .map(g -> new GroupSpec(g.name(), Set.copyOf(orEmpty(g.members()))))
            .toList(),
        orEmpty(file.roles()).stream()
            .map(
                r ->
                    new RoleSpec(
                        r.name(),
                        Set.copyOf(orEmpty(r.members()).stream().map(Principal::parse).toList())))
            .toList(),
        orEmpty(file.grants()).stream()
            .map(g -> Grant.parse(g.principal(), g.privilege(), g.resource()))
            .toList());
  }

  private static List<UserSpec> users(List<FileUser> users) {
    return orEmpty(users).stream()
        .map(u -> new UserSpec(u.name(), Optional.ofNullable(u.password())))
        .toList();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
