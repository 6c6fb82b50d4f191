"""lintkit: a static linter for Serverless Framework services on AWS Lambda with Prisma."""

__version__ = "0.1.0"
