from .cli import main

if __name__ == "__main__":  # not when a helper process (moves.screening) imports this module
    main()
