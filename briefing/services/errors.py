class WorkflowError(Exception):
    """A change the user asked for that cannot be made; the message is for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleVersionError(WorkflowError):
    """Someone else saved the object after this user loaded it."""
