pub use super::member::Entity as Member;
pub use super::organization::Entity as Organization;
pub use super::session::Entity as Session;
pub use super::task::Entity as Task;
pub use super::user::Entity as User;
