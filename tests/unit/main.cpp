// The unit tests' main: GDAL is set up once, as the program's main does.
#define DOCTEST_CONFIG_IMPLEMENT
#include "common/gdal_setup.hpp"

#include <doctest/doctest.h>

int main(int argc, char** argv) {
    lc::init_gdal();
    return doctest::Context(argc, argv).run();
}
