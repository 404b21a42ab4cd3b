from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form, with the same plain message for any failed attempt."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password did not match an account. Check them and try again; "
            "your school's portal administrator can reset a forgotten password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
